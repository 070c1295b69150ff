import { ExchangeList } from './ExchangeList';
import { FlowList } from './FlowList';
import { FlowView } from './FlowView';
import { HopDetails } from './HopDetails';
import { Notices } from './Notices';
import { Toolbar } from './Toolbar';

export function App() {
  return (
    <div class="app">
      <Toolbar />
      <Notices />
      <main class="main">
        <FlowList />
        <div class="center">
          <FlowView />
          <ExchangeList />
        </div>
        <HopDetails />
      </main>
    </div>
  );
}
