// Editor side of the "Video call" block (no build step: WordPress's globals). The block is dynamic: the page
// shows what PHP renders (includes/render.php); the editor shows a placeholder, not a live camera.
(function (wp) {
  const { registerBlockType } = wp.blocks;
  const { createElement: h, Fragment } = wp.element;
  const { InspectorControls, useBlockProps } = wp.blockEditor;
  const { PanelBody, Placeholder, TextControl, ToggleControl } = wp.components;
  const { __ } = wp.i18n;
  const ROOM = /^[A-Za-z0-9_-]{1,64}$/;

  registerBlockType('video-call-widget/call', {
    edit({ attributes, setAttributes }) {
      const set = (key) => (value) => setAttributes({ [key]: value });
      const valid = ROOM.test(attributes.room);
      return h(
        Fragment,
        null,
        h(
          InspectorControls,
          null,
          h(
            PanelBody,
            { title: __('Call', 'video-call-widget') },
            h(ToggleControl, { label: __('Microphone on at join', 'video-call-widget'), checked: attributes.audio, onChange: set('audio') }),
            h(ToggleControl, { label: __('Camera on at join', 'video-call-widget'), checked: attributes.video, onChange: set('video') }),
            h(ToggleControl, { label: __('Chat', 'video-call-widget'), checked: attributes.chat, onChange: set('chat') }),
            h(ToggleControl, { label: __('Join without the pre-join screen', 'video-call-widget'), checked: attributes.autoJoin, onChange: set('autoJoin') }),
            h(TextControl, { label: __('Name shown to others (empty: the visitor’s)', 'video-call-widget'), value: attributes.displayName, onChange: set('displayName') }),
            h(TextControl, { label: __('Language (empty: the page’s)', 'video-call-widget'), value: attributes.lang, onChange: set('lang') }),
            h(TextControl, { label: __('Height (e.g. 480px, 70vh)', 'video-call-widget'), value: attributes.height, onChange: set('height') }),
          ),
        ),
        h(
          'div',
          useBlockProps(),
          h(
            Placeholder,
            {
              icon: 'video-alt2',
              label: __('Video call', 'video-call-widget'),
              instructions: valid
                ? __('Visitors of this page join the call in this room.', 'video-call-widget')
                : __('Room name: letters, digits, "-" and "_", at most 64.', 'video-call-widget'),
            },
            h(TextControl, { label: __('Room', 'video-call-widget'), value: attributes.room, onChange: set('room') }),
          ),
        ),
      );
    },
    save: () => null,
  });
})(window.wp);
