/**
 * The action catalog lives in ../shared/actionCatalog.ts since Edges Run Outputs needs it too (its Compact
 * tool output picks fields by the run's action); this path stays for the Edges node's imports and tests.
 */
export * from '../shared/actionCatalog';
