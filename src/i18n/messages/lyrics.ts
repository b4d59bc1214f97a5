import type { Namespace } from './types';

/** /lyrics (issue 16): its answers, the lyrics card, its page buttons and its command description. */
export const lyrics: Namespace = {
  en: {
    'cmd.lyrics.description': 'Show the lyrics of the current track (from LRCLIB)',
    'nothing-playing': 'Nothing is playing. Use /play first, then /lyrics.',
    stale: 'That track is no longer playing. Use /lyrics for the current one.',
    none: 'I found no lyrics for **{{title}}** on LRCLIB.',
    instrumental: '🎼 **{{title}}** is instrumental: there are no words to show.',
    failed: 'LRCLIB did not answer properly just now, so I have no lyrics to show. Try again in a minute.',
    footer: 'Page {{page}}/{{pages}} · lyrics from LRCLIB',
    'synced-note': '🎤 The now-playing message follows the lines while this track plays.',
    previous: 'Previous',
    next: 'Next',
    // Localized command, subcommand and option names (Discord name_localizations).
    'cmd.lyrics.name': 'lyrics',
  },
  de: {
    'cmd.lyrics.description': 'Zeigt den Songtext des aktuellen Titels (von LRCLIB)',
    'nothing-playing': 'Gerade läuft nichts. Starte zuerst etwas mit /play, dann /lyrics.',
    stale: 'Dieser Titel läuft nicht mehr. Nutze /lyrics für den aktuellen.',
    none: 'Ich habe auf LRCLIB keinen Songtext für **{{title}}** gefunden.',
    instrumental: '🎼 **{{title}}** ist instrumental: Es gibt keinen Text anzuzeigen.',
    failed: 'LRCLIB hat gerade nicht richtig geantwortet, daher kann ich keinen Songtext zeigen. Versuch es in einer Minute noch einmal.',
    footer: 'Seite {{page}}/{{pages}} · Songtext von LRCLIB',
    'synced-note': '🎤 Die Now-Playing-Nachricht zeigt die Zeilen mit, solange dieser Titel läuft.',
    previous: 'Zurück',
    next: 'Weiter',
    // Localized command, subcommand and option names (Discord name_localizations).
    'cmd.lyrics.name': 'songtext',
  },
  fr: {
    'cmd.lyrics.description': 'Affiche les paroles du morceau en cours (depuis LRCLIB)',
    'nothing-playing': "Rien n'est en lecture. Lance d'abord /play, puis /lyrics.",
    stale: "Ce morceau n'est plus en lecture. Utilise /lyrics pour le morceau actuel.",
    none: "Je n'ai trouvé aucune parole pour **{{title}}** sur LRCLIB.",
    instrumental: "🎼 **{{title}}** est instrumental : il n'y a pas de paroles à afficher.",
    failed: "LRCLIB n'a pas répondu correctement à l'instant, je n'ai donc pas de paroles à afficher. Réessaie dans une minute.",
    footer: 'Page {{page}}/{{pages}} · paroles de LRCLIB',
    'synced-note': '🎤 Le message « en cours de lecture » suit les paroles pendant ce morceau.',
    previous: 'Précédent',
    next: 'Suivant',
    // Localized command, subcommand and option names (Discord name_localizations).
    'cmd.lyrics.name': 'paroles',
  },
  es: {
    'cmd.lyrics.description': 'Muestra la letra de la canción actual (de LRCLIB)',
    'nothing-playing': 'No suena nada. Usa /play primero y luego /lyrics.',
    stale: 'Esa canción ya no está sonando. Usa /lyrics para la actual.',
    none: 'No encontré la letra de **{{title}}** en LRCLIB.',
    instrumental: '🎼 **{{title}}** es instrumental: no hay letra que mostrar.',
    failed: 'LRCLIB no respondió bien hace un momento, así que no tengo letra que mostrar. Inténtalo de nuevo en un minuto.',
    footer: 'Página {{page}}/{{pages}} · letra de LRCLIB',
    'synced-note': '🎤 El mensaje de «sonando ahora» sigue la letra mientras suena esta canción.',
    previous: 'Anterior',
    next: 'Siguiente',
    // Localized command, subcommand and option names (Discord name_localizations).
    'cmd.lyrics.name': 'letra',
  },
  'pt-BR': {
    'cmd.lyrics.description': 'Mostra a letra da faixa atual (do LRCLIB)',
    'nothing-playing': 'Nada está tocando. Use /play primeiro e depois /lyrics.',
    stale: 'Essa faixa não está mais tocando. Use /lyrics para a atual.',
    none: 'Não encontrei a letra de **{{title}}** no LRCLIB.',
    instrumental: '🎼 **{{title}}** é instrumental: não há letra para mostrar.',
    failed: 'O LRCLIB não respondeu direito agora há pouco, então não tenho letra para mostrar. Tente de novo daqui a um minuto.',
    footer: 'Página {{page}}/{{pages}} · letra do LRCLIB',
    'synced-note': '🎤 A mensagem de "tocando agora" acompanha a letra enquanto esta faixa toca.',
    previous: 'Anterior',
    next: 'Próxima',
    // Localized command, subcommand and option names (Discord name_localizations).
    'cmd.lyrics.name': 'letra',
  },
  ja: {
    'cmd.lyrics.description': '再生中の曲の歌詞を表示します（LRCLIB から）',
    'nothing-playing': '何も再生されていません。先に /play を使ってから /lyrics を使ってください。',
    stale: 'その曲はもう再生されていません。今の曲は /lyrics で表示できます。',
    none: 'LRCLIB に **{{title}}** の歌詞は見つかりませんでした。',
    instrumental: '🎼 **{{title}}** はインストゥルメンタルのため、表示する歌詞がありません。',
    failed: 'LRCLIB から正しい応答がなかったため、歌詞を表示できません。1 分ほどしてからもう一度お試しください。',
    footer: '{{page}}/{{pages}} ページ · 歌詞: LRCLIB',
    'synced-note': '🎤 この曲の再生中は、再生中メッセージが歌詞の行を追いかけます。',
    previous: '前へ',
    next: '次へ',
    // Localized command, subcommand and option names (Discord name_localizations).
    'cmd.lyrics.name': '歌詞',
  },
};
