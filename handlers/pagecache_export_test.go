package handlers

// CachedBodiesForTest returns the bodies the page cache holds, by key.
func (s *Server) CachedBodiesForTest() map[string]string {
	out := map[string]string{}
	if s.cache == nil {
		return out
	}
	for _, k := range s.cache.entries.Keys() {
		if e, ok := s.cache.entries.Peek(k); ok {
			out[k] = string(e.body)
		}
	}
	return out
}
