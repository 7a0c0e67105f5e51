"""The model runtimes behind the embedder: one module per backend (torch, ONNX Runtime), a factory that picks one
by measurement on the machine it runs on."""
