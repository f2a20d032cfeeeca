export { main, report } from './main.js';
export { CliError } from './errors.js';
