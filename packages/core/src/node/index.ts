/**
 * Node-only helpers (files): the crash-safe file ID map and readers for user files. The main entry point
 * stays free of Node APIs, so the library runs on any fetch-era runtime.
 */
export { FileIdMapStore, type FileIdMapStoreOptions } from './file-id-map-store.ts';
export { fileChunks, followLinks, readJsonFile, readOwnerMapFile, syncFolder } from './files.ts';
