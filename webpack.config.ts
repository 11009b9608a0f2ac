import CopyWebpackPlugin from 'copy-webpack-plugin';
import type { Configuration } from 'webpack';
import { merge } from 'webpack-merge';
import grafanaConfig, { type Env } from './.config/webpack/webpack.config';
import { BuildModeWebpackPlugin } from './.config/webpack/BuildModeWebpackPlugin';

const config = async (env: Env): Promise<Configuration> => {
  const baseConfig = await grafanaConfig(env);
  return merge(
    {
      ...baseConfig,
      // The scaffold writes a `buildMode` field into every dist plugin.json, which Grafana's published
      // plugin.json schema (additionalProperties: false) rejects; our build tests validate dist against it.
      plugins: (baseConfig.plugins ?? []).filter((plugin) => !(plugin instanceof BuildModeWebpackPlugin)),
    },
    {
      // The scaffolded config copies only the app's own logos; nested plugins (datasource, panel) need
      // theirs too, or Grafana shows broken images on their catalogue pages.
      // The app ships the provisioned dashboards (dashboards/) so they can be imported from its page.
      plugins: [
        new CopyWebpackPlugin({
          patterns: [
            { from: '*/img/*', to: '[path][name][ext]' },
            { from: '../dashboards/*.json', to: 'dashboards/[name][ext]' },
          ],
        }),
      ],
    }
  );
};

export default config;
