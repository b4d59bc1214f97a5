/**
 * The AudioSink over @discordjs/voice's public VoiceConnection methods: `prepareAudioPacket` builds the
 * packet (RTP header, DAVE through the connection's DAVE session, transport encryption), `dispatchAudio`
 * sends it, `setSpeaking` sends op 5 when the flag changes. The connection finds its current networking
 * state itself, so one sink serves a connection for its whole life.
 */
import { VoiceConnectionStatus } from '@discordjs/voice';
import type { AudioSink, SinkFactory } from './contract';

export const librarySinks: SinkFactory = (connection): AudioSink => ({
  ready: () => connection.state.status === VoiceConnectionStatus.Ready,
  prepare(opus) {
    connection.prepareAudioPacket(opus);
  },
  dispatch: () => connection.dispatchAudio() === true,
  speaking(on) {
    connection.setSpeaking(on);
  },
});
