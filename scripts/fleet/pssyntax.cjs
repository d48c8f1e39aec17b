// Parses each PowerShell file named on the command line with the tree-sitter
// PowerShell grammar (scripts/fleet/syntax.sh installs it) and lists every
// syntax error (an ERROR or MISSING node) with its line; exit 1 on any.
const { Parser, Language } = require('web-tree-sitter');
const fs = require('fs');
const path = require('path');
(async () => {
  await Parser.init();
  const wasm = path.join(path.dirname(require.resolve('tree-sitter-powershell/package.json')), 'tree-sitter-powershell.wasm');
  const lang = await Language.load(wasm);
  const parser = new Parser();
  parser.setLanguage(lang);
  let bad = 0;
  for (const f of process.argv.slice(2)) {
    const tree = parser.parse(fs.readFileSync(f, 'utf8'));
    const walk = (n) => {
      if (n.type === 'ERROR' || n.isMissing) {
        bad++;
        console.log(`${f}:${n.startPosition.row + 1}:${n.startPosition.column + 1}: syntax error near ${JSON.stringify(n.text.slice(0, 60))}`);
      }
      for (const c of n.children) walk(c);
    };
    walk(tree.rootNode);
    console.log(`${f}: ${tree.rootNode.hasError ? 'errors' : 'ok'}`);
  }
  process.exit(bad ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(2); });
