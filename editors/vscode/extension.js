// The leadrules extension: the .lrules language (grammar and configuration come from
// package.json) and a client that starts `leadrules lsp` over stdio.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("leadrules").get("path") || "leadrules";
  const serverOptions = { command, args: ["lsp"], transport: TransportKind.stdio };
  const clientOptions = {
    documentSelector: [{ scheme: "file", language: "lrules" }],
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.lrules"),
    },
  };
  client = new LanguageClient("leadrules", "leadrules", serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.commands.registerCommand("leadrules.restartServer", () => client.restart()),
  );
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
