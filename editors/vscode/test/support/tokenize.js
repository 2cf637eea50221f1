'use strict';
// Tokenizes text with the real engine VS Code uses: vscode-textmate on top of
// the Oniguruma WebAssembly build, with VS Code's own SQL grammar (shipped by
// the tm-grammars package) loaded for the embedded `source.sql` bodies.

const fs = require('node:fs');
const path = require('node:path');
const textmate = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const ROOT = path.resolve(__dirname, '..', '..');
const GRAMMARS = {
  'source.sqltest': path.join(ROOT, 'syntaxes', 'sqltest.tmLanguage.json'),
  'source.sql': require.resolve('tm-grammars/grammars/sql.json'),
};

let grammarPromise;

function loadOniguruma() {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  return oniguruma.loadWASM(wasm).then(() => ({
    createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
    createOnigString: (text) => new oniguruma.OnigString(text),
  }));
}

/** The `source.sqltest` grammar, loaded once per test process. */
function grammar() {
  if (!grammarPromise) {
    const registry = new textmate.Registry({
      onigLib: loadOniguruma(),
      loadGrammar: async (scopeName) => {
        const file = GRAMMARS[scopeName];
        if (!file) return null;
        return textmate.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
      },
    });
    grammarPromise = registry.loadGrammar('source.sqltest');
  }
  return grammarPromise;
}

/**
 * Tokenizes `text` line by line, carrying the rule stack across lines as an
 * editor does. Returns one array per line of `{ text, scopes, line, column }`.
 */
async function tokenize(text) {
  const g = await grammar();
  let stack = textmate.INITIAL;
  return text.split('\n').map((line, index) => {
    const result = g.tokenizeLine(line, stack);
    stack = result.ruleStack;
    return result.tokens.map((token) => ({
      text: line.slice(token.startIndex, token.endIndex),
      scopes: token.scopes,
      line: index + 1,
      column: token.startIndex + 1,
    }));
  });
}

module.exports = { tokenize };
