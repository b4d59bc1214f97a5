import type { Locale } from '../locales';
import type { Messages, Namespace } from './types';

/**
 * /playlist: replies, and the command's descriptions. The descriptions of the seven subcommands' options
 * repeat (every one has `scope`, most have `name`), so they are written once per language below and
 * spread over the `cmd.playlist.<sub>.<option>.description` keys by `commandMessages`.
 */

/** The subcommands and their options, as controllers/responder/playlist-command.ts defines them. */
export const PLAYLIST_SUBCOMMANDS = {
  save: ['name', 'scope', 'replace'],
  load: ['name', 'scope', 'next'],
  list: ['scope'],
  show: ['name', 'scope'],
  delete: ['name', 'scope'],
  rename: ['name', 'new_name', 'scope'],
  add: ['name', 'scope'],
} as const;

export type PlaylistSubcommand = keyof typeof PLAYLIST_SUBCOMMANDS;

const SUBCOMMANDS: readonly PlaylistSubcommand[] = ['save', 'load', 'list', 'show', 'delete', 'rename', 'add'];

interface CommandWords {
  readonly command: string;
  readonly subs: Readonly<Record<PlaylistSubcommand, string>>;
  /** The name option of save (a new name) and of the others (an existing one). */
  readonly newName: string;
  readonly existingName: string;
  readonly renameTo: string;
  readonly scope: string;
  readonly mine: string;
  readonly server: string;
  readonly replace: string;
  readonly next: string;
}

function commandMessages(w: CommandWords): Messages {
  const out: Record<string, string> = { 'cmd.playlist.description': w.command };
  for (const sub of SUBCOMMANDS) {
    const base = `cmd.playlist.${sub}`;
    out[`${base}.description`] = w.subs[sub];
    for (const option of PLAYLIST_SUBCOMMANDS[sub]) {
      const text =
        option === 'name' ? (sub === 'save' ? w.newName : w.existingName) : option === 'new_name' ? w.renameTo : option === 'scope' ? w.scope : option === 'replace' ? w.replace : w.next;
      out[`${base}.${option}.description`] = text;
      if (option === 'scope') {
        out[`${base}.scope.choice.mine`] = w.mine;
        out[`${base}.scope.choice.server`] = w.server;
      }
    }
  }
  return out;
}

const en: Messages = {
  ...commandMessages({
    command: 'Save the queue as a playlist and load it again later',
    subs: {
      save: 'Save the whole queue, the current track included, as a playlist',
      load: 'Add a saved playlist to the end of the queue',
      list: 'List the saved playlists',
      show: 'Show the tracks of a saved playlist',
      delete: 'Delete a saved playlist',
      rename: 'Rename a saved playlist',
      add: 'Add the current track to a playlist (made if it does not exist)',
    },
    newName: 'The name to save it under (at most 32 characters)',
    existingName: 'The playlist\'s name',
    renameTo: 'The new name (at most 32 characters)',
    scope: 'Yours (default) or the server\'s (changing those needs Manage Server or the DJ role)',
    mine: 'mine',
    server: 'server',
    replace: 'true: overwrite a playlist that already has this name',
    next: 'Play it right after the current track instead of at the end',
  }),
  'scope.mine': 'your playlists',
  'scope.server': 'this server\'s playlists',
  tracks_one: '{{count}} track',
  tracks_other: '{{count}} tracks',
  saved: '💾 Saved the queue ({{tracks}}) as **{{name}}** in {{scope}}.',
  replaced: '💾 Replaced **{{name}}** in {{scope}} with the queue ({{tracks}}).',
  'skipped-entries': 'Left out {{tracks}} of the queue that could not be read.',
  added: '➕ Added **{{track}}** to **{{name}}** in {{scope}} (now {{tracks}}).',
  created: '➕ Made **{{name}}** in {{scope}} with **{{track}}**.',
  'loaded-now': '📃 Loaded **{{name}}** ({{tracks}}). Starting with **{{track}}**.',
  'loaded-queued': '📃 Loaded **{{name}}** ({{tracks}}). They start at position {{position}}.',
  'list-title-mine': 'Your playlists ({{used}} of {{max}}):',
  'list-title-server': "This server's playlists ({{used}} of {{max}}):",
  'list-empty-mine': 'You have no saved playlists yet. Save the queue with /playlist save.',
  'list-empty-server': 'This server has no saved playlists yet. Members with Manage Server or the DJ role can save one with /playlist save scope:server.',
  'list-line': '**{{name}}**: {{tracks}}, {{duration}}',
  'set-aside': '⚠️ Set aside as damaged (kept in quarantine, ask an admin): {{names}}',
  'show-title': '**{{name}}** in {{scope}}: {{tracks}}, {{duration}}',
  'show-more': '… and {{tracks}} more',
  deleted: '🗑️ Deleted **{{name}}** from {{scope}}.',
  renamed: '✏️ Renamed **{{from}}** to **{{name}}** in {{scope}}.',
  'error.not-found': 'There is no playlist called **{{name}}** in {{scope}}. See /playlist list for the names.',
  'error.exists': 'There already is a playlist called **{{name}}** in {{scope}}. Pick another name, or save with replace:true to overwrite it.',
  'error.too-many-mine': 'You already have {{limit}} saved playlists, the most allowed. Delete one first.',
  'error.too-many-server': 'This server already has {{limit}} saved playlists, the most allowed. Delete one first.',
  'error.too-long': 'A playlist holds at most {{limit}} tracks, and this one would have {{size}}. Remove some tracks from the queue first.',
  'error.name-empty': 'Give the playlist a name.',
  'error.name-too-long': 'A playlist name has at most {{max}} characters. Pick a shorter one.',
  'error.name-characters': 'A playlist name cannot contain control or invisible characters. Pick another one.',
  'error.corrupt': 'The playlist **{{name}}** was damaged in storage and has been set aside ({{reason}}). Save it again.',
  'error.empty': '**{{name}}** has no tracks to load.',
  'error.not-manager': 'Only members with Manage Server or the DJ role can change this server\'s playlists. Use scope:mine for your own.',
  'error.unknown-subcommand': 'Pick what to do: /playlist save, load, list, show, delete, rename or add.',
};

const de: Messages = {
  ...commandMessages({
    command: 'Die Warteschlange als Playlist speichern und später wieder laden',
    subs: {
      save: 'Die ganze Warteschlange samt aktuellem Titel als Playlist speichern',
      load: 'Eine gespeicherte Playlist ans Ende der Warteschlange setzen',
      list: 'Die gespeicherten Playlists auflisten',
      show: 'Die Titel einer gespeicherten Playlist zeigen',
      delete: 'Eine gespeicherte Playlist löschen',
      rename: 'Eine gespeicherte Playlist umbenennen',
      add: 'Den aktuellen Titel zu einer Playlist hinzufügen (wird bei Bedarf angelegt)',
    },
    newName: 'Der Name, unter dem sie gespeichert wird (höchstens 32 Zeichen)',
    existingName: 'Der Name der Playlist',
    renameTo: 'Der neue Name (höchstens 32 Zeichen)',
    scope: 'Deine (Standard) oder die des Servers (ändern: „Server verwalten“ oder DJ-Rolle)',
    mine: 'meine',
    server: 'Server',
    replace: 'true: eine Playlist mit diesem Namen überschreiben',
    next: 'Direkt nach dem aktuellen Titel abspielen statt am Ende',
  }),
  'scope.mine': 'deinen Playlists',
  'scope.server': 'den Playlists dieses Servers',
  tracks_one: '{{count}} Titel',
  tracks_other: '{{count}} Titel',
  saved: '💾 Die Warteschlange ({{tracks}}) ist als **{{name}}** in {{scope}} gespeichert.',
  replaced: '💾 **{{name}}** in {{scope}} wurde durch die Warteschlange ersetzt ({{tracks}}).',
  'skipped-entries': '{{tracks}} der Warteschlange konnten nicht gelesen werden und fehlen.',
  added: '➕ **{{track}}** ist jetzt in **{{name}}** in {{scope}} (nun {{tracks}}).',
  created: '➕ **{{name}}** in {{scope}} wurde mit **{{track}}** angelegt.',
  'loaded-now': '📃 **{{name}}** geladen ({{tracks}}). Los geht es mit **{{track}}**.',
  'loaded-queued': '📃 **{{name}}** geladen ({{tracks}}). Sie beginnen an Position {{position}}.',
  'list-title-mine': 'Deine Playlists ({{used}} von {{max}}):',
  'list-title-server': 'Playlists dieses Servers ({{used}} von {{max}}):',
  'list-empty-mine': 'Du hast noch keine gespeicherten Playlists. Speichere die Warteschlange mit /playlist save.',
  'list-empty-server': 'Dieser Server hat noch keine gespeicherten Playlists. Mitglieder mit „Server verwalten“ oder der DJ-Rolle können eine mit /playlist save scope:server speichern.',
  'list-line': '**{{name}}**: {{tracks}}, {{duration}}',
  'set-aside': '⚠️ Als beschädigt beiseitegelegt (in der Quarantäne aufbewahrt, frag einen Admin): {{names}}',
  'show-title': '**{{name}}** in {{scope}}: {{tracks}}, {{duration}}',
  'show-more': '… und {{tracks}} mehr',
  deleted: '🗑️ **{{name}}** wurde aus {{scope}} gelöscht.',
  renamed: '✏️ **{{from}}** heißt in {{scope}} jetzt **{{name}}**.',
  'error.not-found': 'In {{scope}} gibt es keine Playlist namens **{{name}}**. Die Namen zeigt /playlist list.',
  'error.exists': 'In {{scope}} gibt es schon eine Playlist namens **{{name}}**. Wähle einen anderen Namen oder speichere mit replace:true, um sie zu überschreiben.',
  'error.too-many-mine': 'Du hast schon {{limit}} gespeicherte Playlists, mehr sind nicht erlaubt. Lösche zuerst eine.',
  'error.too-many-server': 'Dieser Server hat schon {{limit}} gespeicherte Playlists, mehr sind nicht erlaubt. Lösche zuerst eine.',
  'error.too-long': 'Eine Playlist fasst höchstens {{limit}} Titel, diese hätte {{size}}. Entferne zuerst einige Titel aus der Warteschlange.',
  'error.name-empty': 'Gib der Playlist einen Namen.',
  'error.name-too-long': 'Ein Playlist-Name hat höchstens {{max}} Zeichen. Wähle einen kürzeren.',
  'error.name-characters': 'Ein Playlist-Name darf keine Steuer- oder unsichtbaren Zeichen enthalten. Wähle einen anderen.',
  'error.corrupt': 'Die Playlist **{{name}}** war im Speicher beschädigt und wurde beiseitegelegt ({{reason}}). Speichere sie neu.',
  'error.empty': '**{{name}}** enthält keine Titel zum Laden.',
  'error.not-manager': 'Nur Mitglieder mit „Server verwalten“ oder der DJ-Rolle können die Playlists des Servers ändern. Nutze scope:mine für deine eigenen.',
  'error.unknown-subcommand': 'Wähle, was passieren soll: /playlist save, load, list, show, delete, rename oder add.',
};

const fr: Messages = {
  ...commandMessages({
    command: 'Enregistrer la file comme playlist et la recharger plus tard',
    subs: {
      save: 'Enregistrer toute la file, morceau en cours compris, comme playlist',
      load: 'Ajouter une playlist enregistrée à la fin de la file',
      list: 'Lister les playlists enregistrées',
      show: 'Afficher les morceaux d\'une playlist enregistrée',
      delete: 'Supprimer une playlist enregistrée',
      rename: 'Renommer une playlist enregistrée',
      add: 'Ajouter le morceau en cours à une playlist (créée si besoin)',
    },
    newName: 'Le nom sous lequel l\'enregistrer (32 caractères au plus)',
    existingName: 'Le nom de la playlist',
    renameTo: 'Le nouveau nom (32 caractères au plus)',
    scope: 'Les tiennes (par défaut) ou celles du serveur (modifier : Gérer le serveur ou rôle DJ)',
    mine: 'les miennes',
    server: 'serveur',
    replace: 'true : écraser une playlist qui porte déjà ce nom',
    next: 'La jouer juste après le morceau en cours plutôt qu\'à la fin',
  }),
  'scope.mine': 'tes playlists',
  'scope.server': 'les playlists de ce serveur',
  tracks_one: '{{count}} morceau',
  tracks_many: '{{count}} de morceaux',
  tracks_other: '{{count}} morceaux',
  saved: '💾 File ({{tracks}}) enregistrée sous **{{name}}** dans {{scope}}.',
  replaced: '💾 **{{name}}** dans {{scope}} a été remplacée par la file ({{tracks}}).',
  'skipped-entries': '{{tracks}} de la file illisibles ont été laissés de côté.',
  added: '➕ **{{track}}** ajouté à **{{name}}** dans {{scope}} (désormais {{tracks}}).',
  created: '➕ **{{name}}** créée dans {{scope}} avec **{{track}}**.',
  'loaded-now': '📃 **{{name}}** chargée ({{tracks}}). On commence par **{{track}}**.',
  'loaded-queued': '📃 **{{name}}** chargée ({{tracks}}). Ils commencent à la position {{position}}.',
  'list-title-mine': 'Tes playlists ({{used}} sur {{max}}) :',
  'list-title-server': 'Playlists de ce serveur ({{used}} sur {{max}}) :',
  'list-empty-mine': 'Tu n\'as encore aucune playlist enregistrée. Enregistre la file avec /playlist save.',
  'list-empty-server': 'Ce serveur n\'a encore aucune playlist enregistrée. Les membres avec Gérer le serveur ou le rôle DJ peuvent en enregistrer une avec /playlist save scope:server.',
  'list-line': '**{{name}}** : {{tracks}}, {{duration}}',
  'set-aside': '⚠️ Mises de côté car endommagées (gardées en quarantaine, demande à un admin) : {{names}}',
  'show-title': '**{{name}}** dans {{scope}} : {{tracks}}, {{duration}}',
  'show-more': '… et {{tracks}} de plus',
  deleted: '🗑️ Playlist **{{name}}** supprimée ({{scope}}).',
  renamed: '✏️ **{{from}}** renommée en **{{name}}** dans {{scope}}.',
  'error.not-found': 'Il n\'y a pas de playlist nommée **{{name}}** dans {{scope}}. Vois /playlist list pour les noms.',
  'error.exists': 'Il y a déjà une playlist nommée **{{name}}** dans {{scope}}. Choisis un autre nom, ou enregistre avec replace:true pour l\'écraser.',
  'error.too-many-mine': "Tu as déjà {{limit}} playlists enregistrées, le maximum. Supprimes-en une d'abord.",
  'error.too-many-server': "Ce serveur a déjà {{limit}} playlists enregistrées, le maximum. Supprimez-en une d'abord.",
  'error.too-long': 'Une playlist contient au plus {{limit}} morceaux, et celle-ci en aurait {{size}}. Retire d\'abord des morceaux de la file.',
  'error.name-empty': 'Donne un nom à la playlist.',
  'error.name-too-long': 'Un nom de playlist a au plus {{max}} caractères. Choisis-en un plus court.',
  'error.name-characters': 'Un nom de playlist ne peut pas contenir de caractères de contrôle ou invisibles. Choisis-en un autre.',
  'error.corrupt': 'La playlist **{{name}}** était endommagée et a été mise de côté ({{reason}}). Enregistre-la à nouveau.',
  'error.empty': '**{{name}}** n\'a aucun morceau à charger.',
  'error.not-manager': 'Seuls les membres avec Gérer le serveur ou le rôle DJ peuvent modifier les playlists du serveur. Utilise scope:mine pour les tiennes.',
  'error.unknown-subcommand': 'Choisis quoi faire : /playlist save, load, list, show, delete, rename ou add.',
};

const es: Messages = {
  ...commandMessages({
    command: 'Guardar la cola como lista y volver a cargarla más tarde',
    subs: {
      save: 'Guardar toda la cola, con la pista actual, como lista',
      load: 'Añadir una lista guardada al final de la cola',
      list: 'Ver las listas guardadas',
      show: 'Ver las pistas de una lista guardada',
      delete: 'Borrar una lista guardada',
      rename: 'Cambiar el nombre de una lista guardada',
      add: 'Añadir la pista actual a una lista (se crea si no existe)',
    },
    newName: 'El nombre con el que guardarla (32 caracteres como máximo)',
    existingName: 'El nombre de la lista',
    renameTo: 'El nombre nuevo (32 caracteres como máximo)',
    scope: 'Las tuyas (por defecto) o las del servidor (cambiarlas: Gestionar servidor o rol de DJ)',
    mine: 'mías',
    server: 'servidor',
    replace: 'true: sobrescribir una lista que ya tenga este nombre',
    next: 'Reproducirla justo después de la pista actual en lugar de al final',
  }),
  'scope.mine': 'tus listas',
  'scope.server': 'las listas de este servidor',
  tracks_one: '{{count}} pista',
  tracks_many: '{{count}} de pistas',
  tracks_other: '{{count}} pistas',
  saved: '💾 Guardé la cola ({{tracks}}) como **{{name}}** en {{scope}}.',
  replaced: '💾 Reemplacé **{{name}}** en {{scope}} por la cola ({{tracks}}).',
  'skipped-entries': 'Quedaron fuera {{tracks}} de la cola que no se pudieron leer.',
  added: '➕ Añadí **{{track}}** a **{{name}}** en {{scope}} (ahora {{tracks}}).',
  created: '➕ Creé **{{name}}** en {{scope}} con **{{track}}**.',
  'loaded-now': '📃 Cargué **{{name}}** ({{tracks}}). Empezamos con **{{track}}**.',
  'loaded-queued': '📃 Cargué **{{name}}** ({{tracks}}). Empiezan en la posición {{position}}.',
  'list-title-mine': 'Tus listas ({{used}} de {{max}}):',
  'list-title-server': 'Listas de este servidor ({{used}} de {{max}}):',
  'list-empty-mine': 'Aún no tienes listas guardadas. Guarda la cola con /playlist save.',
  'list-empty-server': 'Este servidor aún no tiene listas guardadas. Quien tenga Gestionar servidor o el rol de DJ puede guardar una con /playlist save scope:server.',
  'list-line': '**{{name}}**: {{tracks}}, {{duration}}',
  'set-aside': '⚠️ Apartadas por estar dañadas (guardadas en cuarentena, pregunta a un admin): {{names}}',
  'show-title': '**{{name}}** en {{scope}}: {{tracks}}, {{duration}}',
  'show-more': '… y {{tracks}} más',
  deleted: '🗑️ Borré **{{name}}** de {{scope}}.',
  renamed: '✏️ **{{from}}** ahora se llama **{{name}}** en {{scope}}.',
  'error.not-found': 'No hay ninguna lista llamada **{{name}}** en {{scope}}. Mira los nombres con /playlist list.',
  'error.exists': 'Ya hay una lista llamada **{{name}}** en {{scope}}. Elige otro nombre o guarda con replace:true para sobrescribirla.',
  'error.too-many-mine': 'Ya tienes {{limit}} listas guardadas, el máximo permitido. Borra una primero.',
  'error.too-many-server': 'Este servidor ya tiene {{limit}} listas guardadas, el máximo permitido. Hay que borrar una primero.',
  'error.too-long': 'Una lista admite como máximo {{limit}} pistas y esta tendría {{size}}. Quita antes algunas pistas de la cola.',
  'error.name-empty': 'Ponle un nombre a la lista.',
  'error.name-too-long': 'El nombre de una lista tiene como máximo {{max}} caracteres. Elige uno más corto.',
  'error.name-characters': 'El nombre de una lista no puede tener caracteres de control ni invisibles. Elige otro.',
  'error.corrupt': 'La lista **{{name}}** estaba dañada y se ha apartado ({{reason}}). Guárdala de nuevo.',
  'error.empty': '**{{name}}** no tiene pistas que cargar.',
  'error.not-manager': 'Solo quien tenga Gestionar servidor o el rol de DJ puede cambiar las listas del servidor. Usa scope:mine para las tuyas.',
  'error.unknown-subcommand': 'Elige qué hacer: /playlist save, load, list, show, delete, rename o add.',
};

const ptBR: Messages = {
  ...commandMessages({
    command: 'Salvar a fila como playlist e carregá-la de novo depois',
    subs: {
      save: 'Salvar a fila inteira, com a faixa atual, como playlist',
      load: 'Adicionar uma playlist salva ao fim da fila',
      list: 'Listar as playlists salvas',
      show: 'Mostrar as faixas de uma playlist salva',
      delete: 'Apagar uma playlist salva',
      rename: 'Renomear uma playlist salva',
      add: 'Adicionar a faixa atual a uma playlist (criada se não existir)',
    },
    newName: 'O nome com que salvá-la (no máximo 32 caracteres)',
    existingName: 'O nome da playlist',
    renameTo: 'O novo nome (no máximo 32 caracteres)',
    scope: 'As suas (padrão) ou as do servidor (alterá-las: Gerenciar servidor ou cargo de DJ)',
    mine: 'minhas',
    server: 'servidor',
    replace: 'true: sobrescrever uma playlist que já tenha esse nome',
    next: 'Tocar logo depois da faixa atual em vez de no fim',
  }),
  'scope.mine': 'suas playlists',
  'scope.server': 'playlists deste servidor',
  tracks_one: '{{count}} faixa',
  tracks_many: '{{count}} de faixas',
  tracks_other: '{{count}} faixas',
  saved: '💾 Salvei a fila ({{tracks}}) como **{{name}}** em {{scope}}.',
  replaced: '💾 Substituí **{{name}}** em {{scope}} pela fila ({{tracks}}).',
  'skipped-entries': 'Deixei de fora {{tracks}} da fila que não puderam ser lidas.',
  added: '➕ Adicionei **{{track}}** a **{{name}}** em {{scope}} (agora {{tracks}}).',
  created: '➕ Criei **{{name}}** em {{scope}} com **{{track}}**.',
  'loaded-now': '📃 Carreguei **{{name}}** ({{tracks}}). Começando com **{{track}}**.',
  'loaded-queued': '📃 Carreguei **{{name}}** ({{tracks}}). Elas começam na posição {{position}}.',
  'list-title-mine': 'Suas playlists ({{used}} de {{max}}):',
  'list-title-server': 'Playlists deste servidor ({{used}} de {{max}}):',
  'list-empty-mine': 'Você ainda não tem playlists salvas. Salve a fila com /playlist save.',
  'list-empty-server': 'Este servidor ainda não tem playlists salvas. Quem tem Gerenciar servidor ou o cargo de DJ pode salvar uma com /playlist save scope:server.',
  'list-line': '**{{name}}**: {{tracks}}, {{duration}}',
  'set-aside': '⚠️ Separadas por estarem danificadas (guardadas em quarentena, fale com um admin): {{names}}',
  'show-title': '**{{name}}** em {{scope}}: {{tracks}}, {{duration}}',
  'show-more': '… e mais {{tracks}}',
  deleted: '🗑️ Apaguei a playlist **{{name}}** ({{scope}}).',
  renamed: '✏️ **{{from}}** agora se chama **{{name}}** em {{scope}}.',
  'error.not-found': 'Não há playlist chamada **{{name}}** em {{scope}}. Veja os nomes com /playlist list.',
  'error.exists': 'Já existe uma playlist chamada **{{name}}** em {{scope}}. Escolha outro nome ou salve com replace:true para sobrescrevê-la.',
  'error.too-many-mine': 'Você já tem {{limit}} playlists salvas, o máximo permitido. Apague uma primeiro.',
  'error.too-many-server': 'Este servidor já tem {{limit}} playlists salvas, o máximo permitido. Apague uma primeiro.',
  'error.too-long': 'Uma playlist comporta no máximo {{limit}} faixas, e esta teria {{size}}. Tire algumas faixas da fila primeiro.',
  'error.name-empty': 'Dê um nome à playlist.',
  'error.name-too-long': 'O nome de uma playlist tem no máximo {{max}} caracteres. Escolha um mais curto.',
  'error.name-characters': 'O nome de uma playlist não pode ter caracteres de controle ou invisíveis. Escolha outro.',
  'error.corrupt': 'A playlist **{{name}}** estava danificada e foi separada ({{reason}}). Salve-a de novo.',
  'error.empty': '**{{name}}** não tem faixas para carregar.',
  'error.not-manager': 'Só quem tem Gerenciar servidor ou o cargo de DJ pode alterar as playlists do servidor. Use scope:mine para as suas.',
  'error.unknown-subcommand': 'Escolha o que fazer: /playlist save, load, list, show, delete, rename ou add.',
};

const ja: Messages = {
  ...commandMessages({
    command: 'キューをプレイリストとして保存し、あとで読み込みます',
    subs: {
      save: '再生中の曲を含むキュー全体をプレイリストとして保存します',
      load: '保存したプレイリストをキューの最後に追加します',
      list: '保存したプレイリストの一覧を表示します',
      show: '保存したプレイリストの曲を表示します',
      delete: '保存したプレイリストを削除します',
      rename: '保存したプレイリストの名前を変更します',
      add: '再生中の曲をプレイリストに追加します（なければ作成します）',
    },
    newName: '保存する名前（32文字まで）',
    existingName: 'プレイリストの名前',
    renameTo: '新しい名前（32文字まで）',
    scope: '自分のプレイリスト（既定）またはサーバーのもの（変更には「サーバー管理」権限かDJロールが必要）',
    mine: '自分',
    server: 'サーバー',
    replace: 'true: 同じ名前のプレイリストを上書きします',
    next: '最後ではなく、再生中の曲のすぐ後に再生します',
  }),
  'scope.mine': 'あなたのプレイリスト',
  'scope.server': 'このサーバーのプレイリスト',
  tracks_other: '{{count}}曲',
  saved: '💾 キュー（{{tracks}}）を{{scope}}に**{{name}}**として保存しました。',
  replaced: '💾 {{scope}}の**{{name}}**をキュー（{{tracks}}）で置き換えました。',
  'skipped-entries': '読み取れなかったキューの{{tracks}}は含めていません。',
  added: '➕ **{{track}}**を{{scope}}の**{{name}}**に追加しました（現在{{tracks}}）。',
  created: '➕ {{scope}}に**{{track}}**入りの**{{name}}**を作成しました。',
  'loaded-now': '📃 **{{name}}**（{{tracks}}）を読み込みました。**{{track}}**から再生します。',
  'loaded-queued': '📃 **{{name}}**（{{tracks}}）を読み込みました。{{position}}番目から始まります。',
  'list-title-mine': 'あなたのプレイリスト（{{max}}件中{{used}}件）：',
  'list-title-server': 'このサーバーのプレイリスト（{{max}}件中{{used}}件）：',
  'list-empty-mine': '保存したプレイリストはまだありません。/playlist save でキューを保存できます。',
  'list-empty-server': 'このサーバーにはまだ保存されたプレイリストがありません。「サーバー管理」権限かDJロールを持つメンバーが /playlist save scope:server で保存できます。',
  'list-line': '**{{name}}**：{{tracks}}、{{duration}}',
  'set-aside': '⚠️ 破損していたため隔離しました（管理者に相談してください）：{{names}}',
  'show-title': '{{scope}}の**{{name}}**：{{tracks}}、{{duration}}',
  'show-more': '… ほか{{tracks}}',
  deleted: '🗑️ {{scope}}から**{{name}}**を削除しました。',
  renamed: '✏️ {{scope}}の**{{from}}**を**{{name}}**に変更しました。',
  'error.not-found': '{{scope}}に**{{name}}**というプレイリストはありません。/playlist list で名前を確認してください。',
  'error.exists': '{{scope}}には**{{name}}**というプレイリストがすでにあります。別の名前にするか、replace:true で上書きしてください。',
  'error.too-many-mine': '保存できるプレイリストは{{limit}}件までで、すでに上限です。先にどれかを削除してください。',
  'error.too-many-server': 'このサーバーのプレイリストはすでに上限の{{limit}}件です。先にどれかを削除してください。',
  'error.too-long': 'プレイリストに入るのは{{limit}}曲までですが、これは{{size}}曲になります。先にキューから曲を減らしてください。',
  'error.name-empty': 'プレイリストに名前を付けてください。',
  'error.name-too-long': 'プレイリスト名は{{max}}文字までです。もっと短い名前にしてください。',
  'error.name-characters': 'プレイリスト名に制御文字や見えない文字は使えません。別の名前にしてください。',
  'error.corrupt': 'プレイリスト**{{name}}**は保存データが破損していたため隔離しました（{{reason}}）。もう一度保存してください。',
  'error.empty': '**{{name}}**には読み込める曲がありません。',
  'error.not-manager': 'サーバーのプレイリストを変更できるのは「サーバー管理」権限かDJロールを持つメンバーだけです。自分のものは scope:mine を使ってください。',
  'error.unknown-subcommand': '/playlist save、load、list、show、delete、rename、add のどれかを選んでください。',
};

const byLocale: Record<Locale, Messages> = { en, de, fr, es, 'pt-BR': ptBR, ja };

export const playlists: Namespace = byLocale;
