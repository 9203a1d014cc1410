import base from '/work/main/web-test-runner.config.mjs';
const file = process.env.ONLY;
export default { ...base, rootDir: '/work/main', groups: [{ ...base.groups[0], name: 'one', files: [file] }] };
