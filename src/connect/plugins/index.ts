// Connector packages: discovery on plugin.path, loading each in isolation, install and remove.
export { CONNECT_API_SPECIFIER } from './connect-api-for-plugins.js';
export { DEFAULT_PLUGIN_PATH, defaultPluginPath, effectivePluginPath } from './default-plugin-path.js';
export {
  type BrokenPluginPackage,
  type DiscoveredPackage,
  discoverPluginPackages,
  type PluginDiscovery,
} from './discover.js';
export type { PackageSource } from './fetch-package.js';
export { type InstalledPluginPackage, type InstallRequest, installPluginPackage } from './install.js';
export {
  type LoadedPluginPackage,
  loadPluginPackage,
  loadPluginPackages,
  type PluginLoadReport,
} from './load.js';
export {
  type DeclaredConnector,
  type PluginManifest,
  parsePluginManifest,
  readPluginManifest,
} from './manifest.js';
export { PluginInstallError } from './plugin-install-error.js';
export { PluginPackageError } from './plugin-package-error.js';
export { removePluginPackage } from './remove.js';
