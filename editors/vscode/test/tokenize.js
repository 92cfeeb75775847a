// Tokenizes .lrules files with the extension's TextMate grammar, as VS Code does
// (vscode-textmate with the Oniguruma regular expressions of vscode-oniguruma), and prints every
// token with its scopes as JSON: {"path": [[line, [[text, [scope, ...]], ...]], ...]}.
// Usage: node test/tokenize.js FILE_OR_FOLDER...   (folders: every *.lrules below, sorted)
"use strict";

const fs = require("fs");
const path = require("path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const here = path.resolve(__dirname, "..");
const wasm = fs.readFileSync(path.join(here, "node_modules/vscode-oniguruma/release/onig.wasm"));

const onigLib = oniguruma.loadWASM(wasm.buffer).then(() => ({
  createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
  createOnigString: (s) => new oniguruma.OnigString(s),
}));

const registry = new vsctm.Registry({
  onigLib,
  loadGrammar: async (scopeName) => {
    if (scopeName !== "source.lrules") return null;
    const file = path.join(here, "syntaxes/lrules.tmLanguage.json");
    return vsctm.parseRawGrammar(fs.readFileSync(file, "utf8"), file);
  },
});

function files(arg) {
  const stat = fs.statSync(arg);
  if (!stat.isDirectory()) return [arg];
  return fs
    .readdirSync(arg, { recursive: true })
    .filter((name) => name.endsWith(".lrules"))
    .sort()
    .map((name) => path.join(arg, name));
}

async function main(args) {
  const grammar = await registry.loadGrammar("source.lrules");
  const out = {};
  for (const file of args.flatMap(files)) {
    const lines = fs.readFileSync(file, "utf8").split(/\r?\n/);
    let state = vsctm.INITIAL;
    const tokenized = [];
    lines.forEach((line, i) => {
      const result = grammar.tokenizeLine(line, state);
      const tokens = result.tokens
        .map((t) => [line.substring(t.startIndex, t.endIndex), t.scopes.slice(1)])
        .filter(([text]) => text.trim() !== "");
      if (tokens.length) tokenized.push([i + 1, tokens]);
      state = result.ruleStack;
    });
    out[file] = tokenized;
  }
  process.stdout.write(JSON.stringify(out) + "\n");
}

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + "\n");
  process.exit(1);
});
