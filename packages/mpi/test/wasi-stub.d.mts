import type { FaasletHost, ImportObject, ImportTable, Manifest } from '@faasm/abi';
export declare const table: ImportTable<FaasletHost>;
export declare const manifest: Manifest;
export declare function link(importObject: ImportObject, host: FaasletHost, options?: { stdoutFile?: string }): void;
