// Tests run the TypeScript sources directly through tsx; every suite gets a real redis-server.
module.exports = {
  require: ['tsx/cjs', 'test/support/hooks.ts'],
  timeout: 30000,
  // No `exit: true`: mocha ends when nothing is left open. test/support/hooks.ts checks after every
  // top-level suite that it closed what it opened, naming any socket, server, timer or process left.
  reporter: 'spec',
};
