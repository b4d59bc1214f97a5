import type { Namespace } from './types';

/** Words shared by every room: failures not tied to one command. */
export const common: Namespace = {
  en: {
    'handler-failed': 'Something went wrong on my side and nothing may have changed. Try again in a moment.',
  },
  de: {
    'handler-failed': 'Bei mir ist etwas schiefgegangen, und vielleicht hat sich nichts geändert. Versuch es gleich noch einmal.',
  },
  fr: {
    'handler-failed': "Quelque chose s'est mal passé de mon côté et rien n'a peut-être changé. Réessaie dans un instant.",
  },
  es: {
    'handler-failed': 'Algo salió mal por mi parte y puede que nada haya cambiado. Inténtalo de nuevo en un momento.',
  },
  'pt-BR': {
    'handler-failed': 'Algo deu errado do meu lado e talvez nada tenha mudado. Tente de novo daqui a pouco.',
  },
  ja: {
    'handler-failed': 'こちら側で問題が発生したため、何も変更されていない可能性があります。少し待ってからもう一度お試しください。',
  },
};
