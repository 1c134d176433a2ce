import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectBridge, createClient, typedEvents } from './api/client.ts';
import { App } from './App.tsx';
import './styles/app.css';

const bridge = connectBridge();
const client = createClient(bridge);
const subscribe = typedEvents(bridge);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App client={client} subscribe={subscribe} />
  </StrictMode>,
);
