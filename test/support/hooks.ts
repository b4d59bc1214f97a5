// Root hooks for the whole mocha run.
import { closeSharedRedis } from './redis';

export const mochaHooks = {
  async afterAll(): Promise<void> {
    await closeSharedRedis();
  },
};
