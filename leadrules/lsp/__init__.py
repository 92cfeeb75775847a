"""The leadrules language server (`leadrules lsp`): pygls wiring in `server`, the editor's state in
`state`, the block-cached parse in `parsing`, the index of names in `index`, and the features in
`hover`, `complete` (completion and outline) and `edits` (formatting, rename, quick fixes)."""
