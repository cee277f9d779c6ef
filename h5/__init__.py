"""The resident's web pages (H5) that the mini-program opens in its `<web-view>`, at /h5."""
