// awesome-lint 2.3.0's own no-repeat-item-in-description, toc and double-link rules, configured
// as its rules/index.js does, run with remark + remark-gfm on each file given (see
// benchmarks/README-awesome-lint.md). Run from a folder where `npm install awesome-lint@2.3.0` ran.
import {readFileSync} from 'node:fs';
import {remark} from 'remark';
import remarkGfm from 'remark-gfm';
import remarkLint from 'remark-lint';
import noRepeat from 'awesome-lint/rules/no-repeat-item-in-description.js';
import toc from 'awesome-lint/rules/toc.js';
import doubleLink, {createAwesomeListIgnore} from 'awesome-lint/rules/double-link.js';
for (const name of process.argv.slice(2)) {
  const file = await remark().use(remarkLint).use(remarkGfm)
    .use(noRepeat, ['error']).use(toc, ['error'])
    .use(doubleLink, ['error', {ignore: [], shouldIgnore: createAwesomeListIgnore}])
    .process({path: name, value: readFileSync(name, 'utf8')});
  for (const m of file.messages) console.log(`${name}:${m.line}: ${m.ruleId}: ${m.reason}`);
}
