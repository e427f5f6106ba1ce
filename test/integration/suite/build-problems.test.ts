import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { extension, until } from './helpers';

/** The repository (the suites run from out/test/integration/suite/): the ESP-IDF stand-in lives there. */
const REPO = path.resolve(__dirname, '../../../..');
const STANDIN = path.join(REPO, 'test/support/idf-standin');

const config = () => vscode.workspace.getConfiguration('espnow');

/** Problems entries for the firmware's main source file. */
function mainFileProblems(): vscode.Diagnostic[] {
  return vscode.languages
    .getDiagnostics()
    .filter(([uri]) => uri.fsPath.endsWith(path.join('main', 'espnow_prov_main.c')))
    .flatMap(([, d]) => d);
}

describe('Build Firmware: ESP-IDF compiler errors go to Problems', () => {
  before(async () => {
    await extension().activate();
    // The stand-in idf.py prints GCC's "file:line:col: error: ..." for the firmware's main file and fails.
    await config().update('idfPath', STANDIN, vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    delete process.env.IDF_STANDIN_FAIL;
    await config().update('idfPath', undefined, vscode.ConfigurationTarget.Global);
  });

  it('a failed build lists the error at its line in the project sources; the next good build withdraws it', async function () {
    this.timeout(90_000);
    process.env.IDF_STANDIN_FAIL = '1';
    process.env.IDF_STANDIN_NODE = process.execPath;
    const failed = await vscode.commands.executeCommand('espnow.buildFirmware', 'initiator', 'esp32c3', 'idf');
    assert.equal(failed, undefined, 'a failed build returns no build');
    const problems = await until('the compiler error in Problems', () => (mainFileProblems().length ? mainFileProblems() : undefined), vscode.languages.onDidChangeDiagnostics, 30_000);
    assert.equal(problems.length, 1, JSON.stringify(problems));
    const [p] = problems;
    assert.equal(p.severity, vscode.DiagnosticSeverity.Error);
    assert.match(p.message, /'esp_now_bogus' undeclared/);
    assert.deepEqual([p.range.start.line, p.range.start.character], [41, 4], 'line 42, column 5, as the compiler said');
    // The file the user has (the extension's firmware project), not the private copy the build ran on.
    const [uri] = vscode.languages.getDiagnostics().find(([, d]) => d.includes(p))!;
    assert.equal(path.dirname(path.dirname(uri.fsPath)), path.join(extension().extensionPath, 'firmware'));

    delete process.env.IDF_STANDIN_FAIL;
    const built = (await vscode.commands.executeCommand('espnow.buildFirmware', 'initiator', 'esp32c3', 'idf')) as { buildDir: string } | undefined;
    assert.ok(built?.buildDir, 'the good build returned its folder');
    await until('the fixed error withdrawn from Problems', () => mainFileProblems().length === 0 || undefined, vscode.languages.onDidChangeDiagnostics, 30_000);
  });
});
