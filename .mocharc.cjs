// Tests run the TypeScript sources directly through tsx; every suite gets a real redis-server.
module.exports = {
  require: ['tsx/cjs', 'test/support/hooks.ts'],
  timeout: 30000,
  // A leaked socket must not hang CI for 90 minutes; suites still close what they open.
  exit: true,
  reporter: 'spec',
};
