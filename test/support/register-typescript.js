// Lets a child process `require` the TypeScript sources directly (node -r ./test/support/register-typescript.js),
// so tests can run real worker processes and kill them without a build step. Transpile only; jest type-checks.
const fs = require('node:fs');
const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false },
    fileName: filename,
  });
  module._compile(outputText, filename);
};
