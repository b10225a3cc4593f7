// n8n's verification scan (@n8n/scan-community-package) as far as it can run before a release.
//
// The published scanner first requires npm provenance (a release built by GitHub Actions), downloads the GitHub source
// the provenance attests, then lints that source and the npm tarball with n8n's rules, inline eslint-disable comments
// ignored. Before a release there is no provenance and no attested commit, so this runs the scanner's own lint legs
// directly: the source leg on this repository, the tarball leg on what `npm pack` publishes. It also checks that the
// tarball holds nothing but the built package (no tests, emulator, scripts or their source maps).
//
// Usage: node scripts/scan.mjs <scanner folder>    (scripts/scan.sh installs the scanner and builds first)

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const scannerFolder = process.argv[2];
if (!scannerFolder) {
	process.stderr.write(
		'Usage: node scripts/scan.mjs <folder where @n8n/scan-community-package is installed>\n',
	);
	process.exit(2);
}
const scannerPackage = join(resolve(scannerFolder), 'node_modules/@n8n/scan-community-package');
const { analyzePackage, SOURCE_FILE_PATTERNS } = await import(
	pathToFileURL(join(scannerPackage, 'scanner/scanner.mjs')).href
);
const glob = createRequire(join(scannerPackage, 'package.json'))('fast-glob');

/** The patterns the published scanner lints the extracted tarball with. */
const TARBALL_FILE_PATTERNS = ['**/*.js', 'package.json'];
/** What the tarball may contain: the package's metadata and docs, and the built nodes, credential and icons. */
const SHIPPABLE =
	/^(package\.json|README\.md|LICENSE|CHANGELOG\.md|dist\/package\.json|dist\/(nodes|credentials|icons)\/.+)$/;

const work = mkdtempSync(join(tmpdir(), 'filestack-scan-'));
try {
	const { version, tarball, files } = pack(work);
	const extracted = join(work, 'package');
	mkdirSync(extracted);
	execFileSync('tar', ['-xzf', tarball, '-C', extracted, '--strip-components=1']);

	const legs = [
		leg('source', repo, SOURCE_FILE_PATTERNS),
		leg('tarball', extracted, TARBALL_FILE_PATTERNS),
	];
	const results = [];
	for (const { name, folder, patterns, count } of legs) {
		const result = await analyzePackage(folder, patterns);
		results.push(result.passed);
		report(
			result.passed,
			`${name} leg: ${count} files (${patterns.join(', ')})${result.passed ? ', no violations' : `: ${result.message}`}`,
		);
		if (result.details) process.stdout.write(`${result.details}\n`);
	}

	const unexpected = files.filter((path) => !SHIPPABLE.test(path));
	results.push(unexpected.length === 0);
	report(
		unexpected.length === 0,
		`tarball contents: ${files.length} files, ${unexpected.length === 0 ? 'all of them dist/, package.json, README.md or LICENSE' : `unexpected: ${unexpected.join(', ')}`}`,
	);

	process.stdout.write(
		'Not checked here: npm provenance and the download of the attested GitHub source (both exist only for a release ' +
			'published from GitHub Actions with provenance; the source leg above lints this working tree instead).\n',
	);
	const passed = results.every(Boolean);
	process.stdout.write(`${passed ? 'PASS' : 'FAIL'}: n8n-nodes-filestack@${version}\n`);
	process.exitCode = passed ? 0 : 1;
} finally {
	rmSync(work, { recursive: true, force: true });
}

/** `npm pack` of the built repository into `folder`: the tarball a release would publish, and its file list. */
function pack(folder) {
	const output = execFileSync('npm', ['pack', '--json', '--pack-destination', folder], {
		cwd: repo,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const [{ version, filename, files }] = JSON.parse(output);
	return { version, tarball: join(folder, filename), files: files.map(({ path }) => path).sort() };
}

/** One lint leg, with the number of files its patterns select (the same selection the scanner makes). */
function leg(name, folder, patterns) {
	const count = glob.sync(patterns, {
		cwd: folder,
		ignore: ['node_modules/**', '**/package-lock.json'],
	}).length;
	return { name, folder, patterns, count };
}

function report(passed, line) {
	process.stdout.write(`${passed ? 'ok  ' : 'FAIL'} ${line}\n`);
}
