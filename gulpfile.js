const { src, dest, parallel } = require('gulp');

// tsc emits only JavaScript: the node, credential and shared icons are copied beside it.
const copy = (from, to) => () => src(from, { encoding: false }).pipe(dest(to));

exports['build:icons'] = parallel(
	copy('icons/*.svg', 'dist/icons'),
	copy('nodes/**/*.svg', 'dist/nodes'),
	copy('credentials/**/*.svg', 'dist/credentials'),
);
