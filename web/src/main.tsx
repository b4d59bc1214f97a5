/** The dashboard's entry: theme first (before the first paint of the app), then the app into #app. */
import { render } from 'preact';
import { App } from './app';
import { applyTheme, currentTheme } from './theme';
import './styles.css';

applyTheme(currentTheme());
const root = document.getElementById('app');
if (root !== null) {
  root.replaceChildren();
  render(<App />, root);
}
