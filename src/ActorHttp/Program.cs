// Placeholder entry point; the console host replaces it.
return 0;
