/**
 * The validated state operations every interface shares (Discord now; REST and CLI later):
 * `deps => input => TaskEither<OpError, Result>`, inputs decoded with io-ts, errors a closed union
 * with `opErrorMessage` as the shared wording. Nothing here knows about Discord.
 */
export { DEFAULT_OPS_LIMITS, type OpsDeps, type OpsLimits } from './deps';
export { formatDuration, listOf, opErrorMessage, sourceLabel, type OpError } from './errors';
export * from './inputs';
export { outcomeError, play, type PlayHooks, type PlayResult } from './play';
export { search, type SearchView } from './search';
export {
  leave,
  pause,
  resume,
  seek,
  setLoop,
  setStay,
  setVolume,
  skip,
  stop,
  type LeaveResult,
  type LoopResult,
  type PauseResult,
  type ResumeResult,
  type SeekResult,
  type SkipResult,
  type StayResult,
  type StopResult,
  type VolumeResult,
} from './controls';
export { clear, move, remove, shuffle, type ClearResult, type MoveResult, type RemoveResult, type ShuffleResult } from './queue';
export { readSettings, updateSettings, type SettingsView } from './settings';
export { votesNeeded, voteSkip, type VoteSkipResult } from './vote';
export { DEFAULT_PAGE_SIZE, nowPlaying, nowPlayingOf, queuePage, type NowPlaying, type QueuePage } from './read';
export { parsePosition } from './position';
export { playMany } from './play';
export { guildExists, guildView, guildViewOf, listGuilds, type GuildSummary, type GuildView } from './guilds';
export { quarantineList, requeueQuarantined, type QuarantineView, type RequeueResult } from './quarantine';
export { GuildWatcher, streamGuild, type StreamOptions } from './watch';
export { cacheClear, cacheStats, sourceHealth, type CacheCleared, type CacheView, type SourceHealthRow, type SourcesView } from './sources';
export { AutoplayInput, setAutoplay, type AutoplayResult } from './autoplay';
export { FilterInput, readFilters, setFilters, type FilterError, type FiltersView } from './filters';
export {
  HISTORY_PAGE_SIZE,
  historyPage,
  previous,
  requeueFromHistory,
  skipTo,
  type HistoryPage,
  type PreviousResult,
  type RequeueHistoryResult,
  type SkipToResult as SkipToOpResult,
} from './history';
export { lyrics, LyricsInput, type LyricsAnswer } from './lyrics';
export {
  addToPlaylist,
  deletePlaylist,
  listPlaylists,
  loadPlaylist,
  playlistErrorMessage,
  playlistKeys,
  renamePlaylist,
  savePlaylist,
  showPlaylist,
  summaryLine,
  type AddedToPlaylist,
  type DeletedPlaylist,
  type LoadedPlaylist,
  type PlaylistError,
  type PlaylistSummary,
  type PlaylistsView,
  type PlaylistView,
  type RenamedPlaylist,
  type SavedPlaylist,
} from './playlists';
