import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { initialLang } from './i18n';
import './styles.css';

// Before the first paint, so assistive technology never reads English text as Vietnamese.
document.documentElement.lang = initialLang();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
