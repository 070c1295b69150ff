import { ExchangeList } from './ExchangeList';
import { HopDetails } from './HopDetails';
import { Notices } from './Notices';
import { Toolbar } from './Toolbar';

export function App() {
  return (
    <div class="app">
      <Toolbar />
      <Notices />
      <main class="main">
        <ExchangeList />
        <HopDetails />
      </main>
    </div>
  );
}
