import { FlowList } from './FlowList';
import { FlowView } from './FlowView';
import { HopDetails } from './HopDetails';
import { HostAccess } from './HostAccess';
import { Notices } from './Notices';
import { SourceNotes } from './SourceNotes';
import { Toolbar } from './Toolbar';

export function App() {
  return (
    <div class="app">
      <Toolbar />
      <Notices />
      <SourceNotes />
      <HostAccess />
      <main class="main">
        <FlowList />
        <div class="center">
          <FlowView />
        </div>
        <HopDetails />
      </main>
    </div>
  );
}
