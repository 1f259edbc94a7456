// The API key lives in sessionStorage: gone when the tab closes, never in a cookie or the URL.
const STORAGE_KEY = "dm.apiKey";

export const getKey = (): string | null => sessionStorage.getItem(STORAGE_KEY);
export const setKey = (key: string): void => sessionStorage.setItem(STORAGE_KEY, key);
export const clearKey = (): void => sessionStorage.removeItem(STORAGE_KEY);
