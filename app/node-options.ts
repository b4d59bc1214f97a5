/**
 * The Node options the bot's process is meant to run with. V8 reads them before any code runs, so they
 * are set where the process is started: NODE_OPTIONS in the image (Dockerfile; the chart's `env` can
 * override it), and the node command of `make run` and of `make bench`'s bots.
 *
 * `--max-semi-space-size=4`: a 4 MB semi-space for the main thread, where V8 picks 16 to 32 MB on a big
 * machine. Its garbage is short-lived (gateway payloads, Redis replies, HTTP), and a young generation of
 * up to 96 MB that is reserved and rarely emptied was a third of an idle instance's RSS (measured by
 * `make bench` section 6: 174 → 138 MB with no guild, 206 → 151 MB with 10,000). Voice workers size
 * their own young generation (src/voice/worker/worker-host.ts).
 */
export const HIQTY_NODE_OPTIONS = '--max-semi-space-size=4';
