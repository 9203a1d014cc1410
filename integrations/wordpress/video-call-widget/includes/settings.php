<?php
/**
 * Settings → Video call widget: the server URL, an optional script URL, and the token secret, lifetime and
 * allowed rooms for sites whose server runs with ROOM_TOKEN_SECRET.
 *
 * @package VideoCallWidget
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

function video_call_widget_admin_menu() {
	add_options_page(
		__( 'Video call widget', 'video-call-widget' ),
		__( 'Video call widget', 'video-call-widget' ),
		'manage_options',
		'video-call-widget',
		'video_call_widget_settings_page'
	);
}

function video_call_widget_register_settings() {
	$group = 'video_call_widget';
	register_setting(
		$group,
		'video_call_widget_server_url',
		array(
			'type'              => 'string',
			'default'           => '',
			'sanitize_callback' => 'video_call_widget_sanitize_url',
		)
	);
	register_setting(
		$group,
		'video_call_widget_script_url',
		array(
			'type'              => 'string',
			'default'           => '',
			'sanitize_callback' => 'video_call_widget_sanitize_url',
		)
	);
	register_setting(
		$group,
		'video_call_widget_token_secret',
		array(
			'type'              => 'string',
			'default'           => '',
			'sanitize_callback' => 'video_call_widget_sanitize_secret',
		)
	);
	register_setting(
		$group,
		'video_call_widget_token_ttl',
		array(
			'type'              => 'integer',
			'default'           => 3600,
			'sanitize_callback' => 'video_call_widget_sanitize_ttl',
		)
	);
	register_setting(
		$group,
		'video_call_widget_allowed_rooms',
		array(
			'type'              => 'string',
			'default'           => '',
			'sanitize_callback' => 'video_call_widget_sanitize_rooms',
		)
	);

	add_settings_section( 'video_call_widget_server', __( 'Call server', 'video-call-widget' ), '__return_false', 'video-call-widget' );
	add_settings_field( 'video_call_widget_server_url', __( 'Server URL', 'video-call-widget' ), 'video_call_widget_field_server_url', 'video-call-widget', 'video_call_widget_server', array( 'label_for' => 'video_call_widget_server_url' ) );
	add_settings_field( 'video_call_widget_script_url', __( 'Script URL (optional)', 'video-call-widget' ), 'video_call_widget_field_script_url', 'video-call-widget', 'video_call_widget_server', array( 'label_for' => 'video_call_widget_script_url' ) );
	add_settings_section( 'video_call_widget_tokens', __( 'Room tokens', 'video-call-widget' ), 'video_call_widget_tokens_intro', 'video-call-widget' );
	add_settings_field( 'video_call_widget_token_secret', __( 'Token secret', 'video-call-widget' ), 'video_call_widget_field_secret', 'video-call-widget', 'video_call_widget_tokens', array( 'label_for' => 'video_call_widget_token_secret' ) );
	add_settings_field( 'video_call_widget_token_ttl', __( 'Token lifetime (seconds)', 'video-call-widget' ), 'video_call_widget_field_ttl', 'video-call-widget', 'video_call_widget_tokens', array( 'label_for' => 'video_call_widget_token_ttl' ) );
	add_settings_field( 'video_call_widget_allowed_rooms', __( 'Allowed rooms', 'video-call-widget' ), 'video_call_widget_field_rooms', 'video-call-widget', 'video_call_widget_tokens', array( 'label_for' => 'video_call_widget_allowed_rooms' ) );
}

function video_call_widget_sanitize_url( $value ) {
	$value = trim( (string) $value );
	if ( '' === $value ) {
		return '';
	}
	$clean = video_call_widget_clean_url( $value );
	if ( '' === $clean ) {
		add_settings_error( 'video_call_widget', 'invalid-url', __( 'The URL must start with https:// (or http://).', 'video-call-widget' ) );
	}
	return $clean;
}

/** An empty field keeps the stored secret (it is never printed back); "clear" removes it; else ≥ 32 characters. */
function video_call_widget_sanitize_secret( $value ) {
	$value   = trim( (string) $value );
	$current = (string) get_option( 'video_call_widget_token_secret', '' );
	if ( '' === $value ) {
		return $current;
	}
	if ( 'clear' === $value ) {
		return '';
	}
	if ( strlen( $value ) < 32 ) {
		add_settings_error( 'video_call_widget', 'short-secret', __( 'The token secret must be at least 32 characters, the same as the server’s ROOM_TOKEN_SECRET. The old secret was kept.', 'video-call-widget' ) );
		return $current;
	}
	return $value;
}

/** Room names, one a line (spaces and commas separate too); invalid ones are dropped with a notice. */
function video_call_widget_sanitize_rooms( $value ) {
	$names = preg_split( '/[\s,]+/', (string) $value, -1, PREG_SPLIT_NO_EMPTY );
	$valid = array_values( array_unique( array_filter( $names, 'video_call_widget_valid_room' ) ) );
	if ( count( $valid ) < count( array_unique( $names ) ) ) {
		add_settings_error( 'video_call_widget', 'invalid-room', __( 'Room names use letters, digits, "-" and "_" (at most 64); the others were dropped.', 'video-call-widget' ) );
	}
	return implode( "\n", $valid );
}

function video_call_widget_sanitize_ttl( $value ) {
	$ttl = (int) $value;
	return $ttl >= 60 && $ttl <= 7 * 24 * 3600 ? $ttl : 3600;
}

function video_call_widget_tokens_intro() {
	echo '<p>' . esc_html__( 'When the call server runs with ROOM_TOKEN_SECRET, every join needs a token. Enter the same secret here and the site mints one for each logged-in visitor, only for rooms used on published (or private) posts they can read and for the allowed rooms below; visitors who are not logged in are asked to log in. Users with the vcw_host_calls capability (administrators) join as hosts, everyone else as guests. Keep the lifetime at most the server’s TOKEN_MAX_TTL (3600 by default). You can define VIDEO_CALL_WIDGET_TOKEN_SECRET in wp-config.php instead.', 'video-call-widget' ) . '</p>';
}

function video_call_widget_field_server_url() {
	printf(
		'<input type="url" class="regular-text code" id="video_call_widget_server_url" name="video_call_widget_server_url" value="%s" placeholder="https://calls.example.com" required><p class="description">%s</p>',
		esc_attr( get_option( 'video_call_widget_server_url', '' ) ),
		esc_html__( 'Where your video-call-widget server runs (it serves the widget script, the room API and signaling).', 'video-call-widget' )
	);
}

function video_call_widget_field_script_url() {
	printf(
		'<input type="url" class="regular-text code" id="video_call_widget_script_url" name="video_call_widget_script_url" value="%s" placeholder="%s"><p class="description">%s</p>',
		esc_attr( get_option( 'video_call_widget_script_url', '' ) ),
		esc_attr( '' !== video_call_widget_server_url() ? video_call_widget_server_url() . '/video-call-widget.js' : '' ),
		esc_html__( 'Only when the script is hosted elsewhere (a CDN): the URL of video-call-widget.js, with its chunks/ folder beside it.', 'video-call-widget' )
	);
}

function video_call_widget_field_secret() {
	if ( defined( 'VIDEO_CALL_WIDGET_TOKEN_SECRET' ) ) {
		echo '<p>' . esc_html__( 'Set in wp-config.php (VIDEO_CALL_WIDGET_TOKEN_SECRET).', 'video-call-widget' ) . '</p>';
		return;
	}
	$set = '' !== (string) get_option( 'video_call_widget_token_secret', '' );
	printf(
		'<input type="password" class="regular-text code" id="video_call_widget_token_secret" name="video_call_widget_token_secret" value="" autocomplete="new-password" placeholder="%s"><p class="description">%s</p>',
		esc_attr( $set ? __( '(set — leave empty to keep)', 'video-call-widget' ) : __( '(not set)', 'video-call-widget' ) ),
		esc_html__( 'The server’s ROOM_TOKEN_SECRET (at least 32 characters). Type "clear" to remove it.', 'video-call-widget' )
	);
}

function video_call_widget_field_ttl() {
	printf(
		'<input type="number" class="small-text" id="video_call_widget_token_ttl" name="video_call_widget_token_ttl" value="%s" min="60" max="604800" step="1">',
		esc_attr( (string) video_call_widget_token_ttl() )
	);
}

function video_call_widget_field_rooms() {
	printf(
		'<textarea class="regular-text code" id="video_call_widget_allowed_rooms" name="video_call_widget_allowed_rooms" rows="4">%s</textarea><p class="description">%s</p>',
		esc_textarea( (string) get_option( 'video_call_widget_allowed_rooms', '' ) ),
		esc_html__( 'Rooms any logged-in user may join though no post shows them (e.g. a call in a theme template), one a line.', 'video-call-widget' )
	);
}

function video_call_widget_settings_page() {
	if ( ! current_user_can( 'manage_options' ) ) {
		return;
	}
	echo '<div class="wrap"><h1>' . esc_html( get_admin_page_title() ) . '</h1><form action="options.php" method="post">';
	settings_fields( 'video_call_widget' );
	do_settings_sections( 'video-call-widget' );
	submit_button();
	echo '</form></div>';
}
