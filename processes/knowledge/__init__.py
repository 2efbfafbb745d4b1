"""The knowledge base (知识库): articles staff answer calls from, searched in unsegmented Chinese."""
