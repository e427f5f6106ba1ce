// The editor's virtual lab reached from outside, as `espnow-prov` reaches it: through the control socket its
// state folder names (extension/src/lab/control-protocol.ts). The UI test uses it for what no person can do
// with a click: carry a board out of radio range and back.
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

/**
 * Calls `op` of the lab running for `stateDir` (control.json there says where its socket is and which token
 * it wants) and resolves with the result; a refusal or an error answer rejects with the lab's message.
 */
export function labCall(stateDir, op, ...args) {
  const file = join(stateDir, 'control.json');
  let control;
  try {
    control = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return Promise.reject(new Error(`no lab control file ${file} (${e?.code ?? e?.message}): the editor's lab has no control socket`));
  }
  return new Promise((resolve, reject) => {
    const socket = connect({ path: control.socket });
    let buffered = '';
    let answered = false;
    socket.setEncoding('utf8');
    socket.on('error', (e) => reject(new Error(`lab ${op}: ${e.message}`)));
    socket.on('close', () => answered || reject(new Error(`lab ${op}: the lab closed its control socket without an answer`)));
    socket.on('connect', () => socket.write(`${JSON.stringify({ token: control.token })}\n${JSON.stringify({ id: 1, op, args })}\n`));
    socket.on('data', (chunk) => {
      buffered += chunk;
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const message = JSON.parse(line);
        if (message.event) continue; // boardsChanged, pushed to every client
        answered = true;
        socket.end();
        if (message.ok) resolve(message.result);
        else reject(new Error(`lab ${op}: ${message.error?.message ?? line}`));
      }
    });
  });
}

/** The lab's index of the board served on `port` ("127.0.0.1:40123", as the Boards tree shows it). */
export async function labIndexOf(stateDir, port) {
  const boards = await labCall(stateDir, 'listBoards');
  const board = boards.find((b) => `127.0.0.1:${b.port}` === port);
  if (!board) throw new Error(`the lab has no board on ${port}; it has ${boards.map((b) => `${b.index} on ${b.port}`).join(', ')}`);
  return board.index;
}
