/** What the dashboard's handlers need once the instance is up: handed over by `attach`, like the REST API's. */
import type { Clock } from '../../clock';
import type { DashboardGateway } from '../../discord/dashboard-gateway';
import type { Logger } from '../../log';
import type { GuildWatcher, OpsDeps } from '../../ops';
import type { RedisRateLimiter } from '../api/ratelimit';
import type { OAuthClient } from './oauth-client';

export interface Runtime {
  readonly ops: OpsDeps;
  readonly gateway: DashboardGateway;
  readonly watcher: GuildWatcher;
  readonly oauth: OAuthClient;
  readonly clock: Clock;
  readonly log: Logger;
  /** `${HIQTY_DASHBOARD_URL}`: the one origin writes are taken from. */
  readonly origin: string;
  readonly limits: {
    readonly session: RedisRateLimiter;
    readonly ip: RedisRateLimiter;
    readonly login: RedisRateLimiter;
  };
}
