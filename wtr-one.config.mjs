// Runs the browser tests named in VCW_TESTS (comma-separated globs) with the suite's own settings, in the 'call' group.
import config from './web-test-runner.config.mjs';
const files = (process.env.VCW_TESTS ?? '').split(',').filter(Boolean);
export default { ...config, groups: config.groups.filter((g) => g.name === 'call').map((g) => ({ ...g, files })) };
