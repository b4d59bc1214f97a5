/**
 * Which sandbox gateway sessions belong to which hiqty instance. Sandbox events (voice joins, audio
 * packets) name the gateway session, never the process; bots started one at a time are told apart
 * by the sessions that identified while each one was starting.
 */
import type { Bot, Stage } from './stage';

export class SessionBook {
  private readonly owners = new Map<string, Bot>();
  private readonly stray: string[] = [];
  private starting: string[] | undefined;

  constructor(private readonly stage: Stage) {
    stage.sandbox.events.on('session', ({ sessionId }) => {
      if (this.starting) this.starting.push(sessionId);
      else this.stray.push(sessionId);
    });
  }

  /** Stage.startBot, one at a time, remembering the sessions the new bot identified. */
  async startBot(env: NodeJS.ProcessEnv = {}): Promise<Bot> {
    if (this.starting) throw new Error('SessionBook.startBot: start bots one at a time, or their sessions cannot be told apart');
    const mine: string[] = [];
    this.starting = mine;
    try {
      const bot = await this.stage.startBot(env);
      if (mine.length === 0) throw new Error(`${bot.instance} started without identifying a gateway session`);
      for (const id of mine) this.owners.set(id, bot);
      return bot;
    } finally {
      this.starting = undefined;
    }
  }

  sessionsOf(bot: Bot): Set<string> {
    return new Set([...this.owners].filter(([, owner]) => owner === bot).map(([id]) => id));
  }

  botOf(sessionId: string): Bot | undefined {
    return this.owners.get(sessionId);
  }

  /** Sessions that identified after start-up (a re-identify): events from them cannot be attributed. */
  strays(): readonly string[] {
    return this.stray;
  }
}
