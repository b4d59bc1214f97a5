import type { Namespace } from './types';

/** /autoplay and the announcement of a track autoplay queued. */
export const autoplay: Namespace = {
  en: {
    'cmd.autoplay.description': 'When the queue runs out, keep playing related tracks (DJ)',
    'cmd.autoplay.mode.description': 'on: queue a related track when the queue runs out; off: stop at the end of the queue',
    'cmd.autoplay.mode.choice.on': 'on',
    'cmd.autoplay.mode.choice.off': 'off',
    'reply.on': '🎲 Autoplay is on: when the queue runs out, I queue a related track.',
    'reply.off': '🎲 Autoplay is off: I stop at the end of the queue.',
    'reply.bad-mode': 'Choose on or off.',
    'announce.added': '🎲 Autoplay added **{{title}}** from {{source}}, related to **{{after}}**.',
    // Localized command, subcommand and option names (Discord name_localizations).
    'cmd.autoplay.name': 'autoplay',
    'cmd.autoplay.mode.name': 'mode',
  },
  de: {
    'cmd.autoplay.description': 'Wenn die Warteschlange leer ist, ähnliche Titel weiterspielen (DJ)',
    'cmd.autoplay.mode.description': 'on: einen ähnlichen Titel einreihen, wenn die Warteschlange leer ist; off: am Ende aufhören',
    'cmd.autoplay.mode.choice.on': 'an',
    'cmd.autoplay.mode.choice.off': 'aus',
    'reply.on': '🎲 Autoplay ist an: Wenn die Warteschlange leer ist, reihe ich einen ähnlichen Titel ein.',
    'reply.off': '🎲 Autoplay ist aus: Am Ende der Warteschlange höre ich auf.',
    'reply.bad-mode': 'Wähle an oder aus.',
    'announce.added': '🎲 Autoplay hat **{{title}}** von {{source}} hinzugefügt, passend zu **{{after}}**.',
    // Localized command, subcommand and option names (Discord name_localizations).
    'cmd.autoplay.name': 'autoplay',
    'cmd.autoplay.mode.name': 'modus',
  },
  fr: {
    'cmd.autoplay.description': "Quand la file est vide, continuer avec des titres similaires (DJ)",
    'cmd.autoplay.mode.description': "on : ajouter un titre similaire quand la file est vide ; off : s'arrêter à la fin de la file",
    'cmd.autoplay.mode.choice.on': 'activé',
    'cmd.autoplay.mode.choice.off': 'désactivé',
    'reply.on': "🎲 La lecture automatique est activée : quand la file est vide, j'ajoute un titre similaire.",
    'reply.off': "🎲 La lecture automatique est désactivée : je m'arrête à la fin de la file.",
    'reply.bad-mode': 'Choisis activé ou désactivé.',
    'announce.added': '🎲 La lecture automatique a ajouté **{{title}}** depuis {{source}}, similaire à **{{after}}**.',
    // Localized command, subcommand and option names (Discord name_localizations).
    'cmd.autoplay.name': 'lecture-auto',
    'cmd.autoplay.mode.name': 'mode',
  },
  es: {
    'cmd.autoplay.description': 'Cuando la cola se acaba, seguir con canciones relacionadas (DJ)',
    'cmd.autoplay.mode.description': 'on: añadir una canción relacionada cuando la cola se acaba; off: parar al final de la cola',
    'cmd.autoplay.mode.choice.on': 'activado',
    'cmd.autoplay.mode.choice.off': 'desactivado',
    'reply.on': '🎲 La reproducción automática está activada: cuando la cola se acabe, añadiré una canción relacionada.',
    'reply.off': '🎲 La reproducción automática está desactivada: paro al final de la cola.',
    'reply.bad-mode': 'Elige activado o desactivado.',
    'announce.added': '🎲 La reproducción automática añadió **{{title}}** de {{source}}, relacionada con **{{after}}**.',
    // Localized command, subcommand and option names (Discord name_localizations).
    'cmd.autoplay.name': 'reproducción-auto',
    'cmd.autoplay.mode.name': 'modo',
  },
  'pt-BR': {
    'cmd.autoplay.description': 'Quando a fila acabar, continuar com faixas relacionadas (DJ)',
    'cmd.autoplay.mode.description': 'on: adicionar uma faixa relacionada quando a fila acabar; off: parar no fim da fila',
    'cmd.autoplay.mode.choice.on': 'ligado',
    'cmd.autoplay.mode.choice.off': 'desligado',
    'reply.on': '🎲 A reprodução automática está ligada: quando a fila acabar, eu adiciono uma faixa relacionada.',
    'reply.off': '🎲 A reprodução automática está desligada: eu paro no fim da fila.',
    'reply.bad-mode': 'Escolha ligado ou desligado.',
    'announce.added': '🎲 A reprodução automática adicionou **{{title}}** do {{source}}, relacionada a **{{after}}**.',
    // Localized command, subcommand and option names (Discord name_localizations).
    'cmd.autoplay.name': 'reprodução-automática',
    'cmd.autoplay.mode.name': 'modo',
  },
  ja: {
    'cmd.autoplay.description': 'キューが空になったら関連する曲を再生し続けます（DJ）',
    'cmd.autoplay.mode.description': 'on: キューが空になったら関連曲を追加します。off: キューの最後で止まります',
    'cmd.autoplay.mode.choice.on': 'オン',
    'cmd.autoplay.mode.choice.off': 'オフ',
    'reply.on': '🎲 自動再生はオンです。キューが空になったら関連する曲を追加します。',
    'reply.off': '🎲 自動再生はオフです。キューの最後で止まります。',
    'reply.bad-mode': 'オンかオフを選んでください。',
    'announce.added': '🎲 自動再生が {{source}} から **{{title}}** を追加しました（**{{after}}** の関連曲）。',
    // Localized command, subcommand and option names (Discord name_localizations).
    'cmd.autoplay.name': '自動再生',
    'cmd.autoplay.mode.name': 'モード',
  },
};
