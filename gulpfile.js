// Copies the icons next to the compiled code, where n8n resolves the `file:` icon paths of nodes and credentials.
const { src, dest } = require('gulp');

exports['build:icons'] = () => src('icons/*.svg').pipe(dest('dist/icons'));
