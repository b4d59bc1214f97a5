/** The voice engine: one frame clock per thread, and the guilds' connections and plays it sends for. */
export { createVoiceEngine } from './engine';
export { librarySinks } from './library-sink';
export { LATE_FRAME_MS, SILENCE_FRAME, SILENCE_FRAMES } from './track-audio';
export { DEFAULT_PREPARE_BATCH, FRAME_MS, FrameClock, type FrameClockCounters, type FrameClockOptions, type FrameSubscriber } from './frame-clock';
