import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { takeTokenFromFragment } from './session';
import './styles.css';

// Before anything renders: the wallet app's token leaves the address bar (and its history).
takeTokenFromFragment();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
