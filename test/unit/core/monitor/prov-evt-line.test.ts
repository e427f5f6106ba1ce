import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProvEvt } from '../../../../extension/src/core/monitor/prov-evt-line';

test('a message in any spacing reads as its words: the firmware form and others give the same fields', () => {
  const fields = { mac: 'aa:bb:cc:dd:ee:01', channel: '6', detail: 'a=b', ssid: 'my net' };
  const forms = [
    'responder_found mac=aa:bb:cc:dd:ee:01 channel=6 detail=a=b ssid=my%20net',
    '  responder_found\tmac=aa:bb:cc:dd:ee:01  channel=6\u00a0detail=a=b ssid=my%20net \r',
    'responder_found mac=aa:bb:cc:dd:ee:01 junk =x channel=6 detail=a=b ssid=my%20net',
    'responder_found mac=00 channel=6 detail=a=b ssid=my%20net mac=aa:bb:cc:dd:ee:01',
  ];
  for (const m of forms) assert.deepEqual(parseProvEvt(m), { name: 'responder_found', fields }, JSON.stringify(m));
  assert.deepEqual(parseProvEvt('boot'), { name: 'boot', fields: {} });
  assert.equal(parseProvEvt('Boot role=x'), undefined);
  assert.equal(parseProvEvt(' \t '), undefined);
});
