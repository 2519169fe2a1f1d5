#ifndef JANUS_VERSION_H_
#define JANUS_VERSION_H_

#define JANUS_VERSION "0.1"

#endif  // JANUS_VERSION_H_
