// extension.js — starts `qm lsp` for the Lua files (qm model files) VS Code opens; the
// language client does the rest (docs/editors.md).
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

exports.activate = function () {
  const cfg = vscode.workspace.getConfiguration('qm');
  const server = { command: cfg.get('path', 'qm'), args: ['lsp', ...cfg.get('args', ['--timeout', '10'])] };
  client = new LanguageClient('qm', 'qm', server, { documentSelector: [{ scheme: 'file', language: 'lua' }] });
  return client.start();
};

exports.deactivate = function () {
  return client ? client.stop() : undefined;
};
