import type { Namespace } from './types';

/**
 * What the Player posts in a guild's text channel, in the guild's language (src/discord/announce.ts),
 * and the line of /settings that shows that language. `{{reason}}` and `{{because}}` come from the
 * sources in English (see the known limit in announce.ts); `{{source}}` is a service's name.
 */
export const announce: Namespace = {
  en: {
    unplayable: '⚠️ Skipped **{{track}}**: {{reason}}. It was moved to the quarantine; the queue goes on.',
    'played-elsewhere': '🔁 **{{track}}**: {{because}}; playing it from {{source}}.',
    'played-elsewhere-no-reason': 'its source could not play it',
    'stream-ended': '📴 The live stream **{{track}}** is over ({{reason}}). The queue goes on.',
    'stream-ended-artist': '📴 **{{artist}}** went offline: the live stream **{{track}}** is over ({{reason}}). The queue goes on.',
    'settings-language': 'Announcement language: {{language}}',
    'settings-language-server': "Announcement language: the server's Discord language",
  },
  de: {
    unplayable: '⚠️ **{{track}}** übersprungen: {{reason}}. Der Titel wurde in die Quarantäne verschoben; die Warteschlange läuft weiter.',
    'played-elsewhere': '🔁 **{{track}}**: {{because}}; wird stattdessen über {{source}} abgespielt.',
    'played-elsewhere-no-reason': 'die eigene Quelle konnte den Titel nicht abspielen',
    'stream-ended': '📴 Der Livestream **{{track}}** ist vorbei ({{reason}}). Die Warteschlange läuft weiter.',
    'stream-ended-artist': '📴 **{{artist}}** ist offline gegangen: Der Livestream **{{track}}** ist vorbei ({{reason}}). Die Warteschlange läuft weiter.',
    'settings-language': 'Sprache der Ansagen: {{language}}',
    'settings-language-server': 'Sprache der Ansagen: die Discord-Sprache des Servers',
  },
  fr: {
    unplayable: "⚠️ **{{track}}** passé : {{reason}}. Le morceau a été mis en quarantaine ; la file d'attente continue.",
    'played-elsewhere': '🔁 **{{track}}** : {{because}} ; lecture depuis {{source}}.',
    'played-elsewhere-no-reason': "sa source n'a pas pu le lire",
    'stream-ended': "📴 Le direct **{{track}}** est terminé ({{reason}}). La file d'attente continue.",
    'stream-ended-artist': "📴 **{{artist}}** n'est plus en ligne : le direct **{{track}}** est terminé ({{reason}}). La file d'attente continue.",
    'settings-language': 'Langue des annonces : {{language}}',
    'settings-language-server': 'Langue des annonces : celle du serveur Discord',
  },
  es: {
    unplayable: '⚠️ Se omitió **{{track}}**: {{reason}}. Se movió a la cuarentena; la cola sigue.',
    'played-elsewhere': '🔁 **{{track}}**: {{because}}; se reproduce desde {{source}}.',
    'played-elsewhere-no-reason': 'su fuente no pudo reproducirla',
    'stream-ended': '📴 La transmisión en directo **{{track}}** terminó ({{reason}}). La cola sigue.',
    'stream-ended-artist': '📴 **{{artist}}** se desconectó: la transmisión en directo **{{track}}** terminó ({{reason}}). La cola sigue.',
    'settings-language': 'Idioma de los anuncios: {{language}}',
    'settings-language-server': 'Idioma de los anuncios: el idioma de Discord del servidor',
  },
  'pt-BR': {
    unplayable: '⚠️ **{{track}}** foi pulada: {{reason}}. Ela foi movida para a quarentena; a fila continua.',
    'played-elsewhere': '🔁 **{{track}}**: {{because}}; tocando a partir de {{source}}.',
    'played-elsewhere-no-reason': 'a fonte original não conseguiu tocá-la',
    'stream-ended': '📴 A transmissão ao vivo **{{track}}** terminou ({{reason}}). A fila continua.',
    'stream-ended-artist': '📴 **{{artist}}** ficou offline: a transmissão ao vivo **{{track}}** terminou ({{reason}}). A fila continua.',
    'settings-language': 'Idioma dos anúncios: {{language}}',
    'settings-language-server': 'Idioma dos anúncios: o idioma do Discord do servidor',
  },
  ja: {
    unplayable: '⚠️ **{{track}}** をスキップしました: {{reason}}。隔離リストに移しました。キューはそのまま続きます。',
    'played-elsewhere': '🔁 **{{track}}**: {{because}}。{{source}} から再生します。',
    'played-elsewhere-no-reason': '元のソースでは再生できませんでした',
    'stream-ended': '📴 ライブ配信 **{{track}}** は終了しました（{{reason}}）。キューはそのまま続きます。',
    'stream-ended-artist': '📴 **{{artist}}** がオフラインになりました: ライブ配信 **{{track}}** は終了しました（{{reason}}）。キューはそのまま続きます。',
    'settings-language': 'お知らせの言語: {{language}}',
    'settings-language-server': 'お知らせの言語: サーバーの Discord の言語',
  },
};
