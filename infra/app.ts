import { createFacetApp } from './facet-app';

// `npx cdk synth` / `npx cdk deploy -c stage=<name> --parameters AlarmEmail=<address>`: the CLI synthesizes on exit.
createFacetApp();
