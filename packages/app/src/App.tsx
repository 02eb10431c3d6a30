import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { navModule } from './modules/nav';

// Plugins listed as dependencies of this package, Rollback Guard among them,
// are discovered through `app.packages: all` in app-config.yaml.
export default createApp({
  features: [catalogPlugin, navModule],
});
